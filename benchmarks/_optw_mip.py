"""Exact OPTW/TOPTW model solved with HiGHS: the reference the tests and the planner benchmark compare
the runtime solver with. ``highspy`` is a test/benchmark dependency only (``pip install -e .[test]``).

Two-index formulation: ``x[i, j]`` arcs shared by the ``m`` routes, ``y[i]`` visits, ``t[i]`` service start,
and ``u[i, w]`` the window used by a node with several windows. Big-M time constraints both schedule the
routes and forbid sub-tours, which needs every cycle to take time: the generators keep service >= 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy

from bot.domain.optw import Instance


@dataclass(frozen=True)
class MipResult:
    routes: tuple[tuple[int, ...], ...]
    score: float
    optimal: bool
    bound: float


def solve_mip(instance: Instance, *, time_limit: float = 60.0, relax: bool = False) -> MipResult:
    """Optimal routes (``relax=False``) or the LP-relaxation bound (``relax=True``, routes empty)."""
    model = _Model(instance, relax)
    return model.solve(time_limit)


class _Model:
    def __init__(self, instance: Instance, relax: bool) -> None:
        self.instance = instance
        self.highs = highspy.Highs()
        self.highs.silent()
        self.relax = relax
        self.customers = [c for c in instance.customers if instance.nodes[c].score > 0]
        self._variables()
        self._routing()
        self._timing()

    def _binary(self, obj: float = 0.0) -> highspy.highs_var:
        var_type = highspy.HighsVarType.kContinuous if self.relax else highspy.HighsVarType.kInteger
        return self.highs.addVariable(lb=0, ub=1, obj=obj, type=var_type)

    def _variables(self) -> None:
        inst, h = self.instance, self.highs
        self.visit = {c: self._binary(inst.nodes[c].score) for c in self.customers}
        self.arc = {(i, j): self._binary() for i in self.customers for j in self.customers if i != j}
        self.leave = {j: self._binary() for j in self.customers}  # start -> j
        self.enter = {i: self._binary() for i in self.customers}  # i -> end
        var_type = highspy.HighsVarType.kContinuous if self.relax else highspy.HighsVarType.kInteger
        self.unused = h.addVariable(lb=0, ub=inst.routes, type=var_type)  # start -> end directly
        self.time = {c: h.addVariable(lb=0, ub=inst.budget) for c in self.customers}
        self.window = {
            c: [self._binary() for _ in inst.nodes[c].windows] for c in self.customers if len(inst.nodes[c].windows) > 1
        }

    def _routing(self) -> None:
        h, m = self.highs, self.instance.routes
        h.addConstr(sum(self.leave.values()) + self.unused == m)
        h.addConstr(sum(self.enter.values()) + self.unused == m)
        for c in self.customers:
            out = sum(self.arc[c, j] for j in self.customers if j != c) + self.enter[c]
            into = sum(self.arc[i, c] for i in self.customers if i != c) + self.leave[c]
            h.addConstr(out == self.visit[c])
            h.addConstr(into == self.visit[c])

    def _timing(self) -> None:
        inst, h = self.instance, self.highs
        travel, budget = inst.travel, inst.budget
        first = inst.nodes[inst.start]
        depart = first.windows[0].open + first.service
        for i in self.customers:
            service = inst.nodes[i].service
            for j in self.customers:
                if i != j:
                    big = budget + service + float(travel[i, j])
                    h.addConstr(
                        self.time[j] >= self.time[i] + service + float(travel[i, j]) - big * (1 - self.arc[i, j])
                    )
            h.addConstr(self.time[i] >= (depart + float(travel[inst.start, i])) * self.leave[i])
            back = service + float(travel[i, inst.end])
            h.addConstr(self.time[i] + back - budget <= back * (1 - self.enter[i]))
            self._windows(i)

    def _windows(self, node: int) -> None:
        h, budget = self.highs, self.instance.budget
        windows = self.instance.nodes[node].windows
        t, y = self.time[node], self.visit[node]
        if len(windows) == 1:
            h.addConstr(t >= windows[0].open * y)
            close = min(windows[0].close, budget)
            h.addConstr(t <= close + (budget - close) * (1 - y))
            return
        chosen = self.window[node]
        h.addConstr(sum(chosen) == y)
        h.addConstr(t >= sum(w.open * u for w, u in zip(windows, chosen, strict=True)))
        h.addConstr(t <= sum(min(w.close, budget) * u for w, u in zip(windows, chosen, strict=True)) + budget * (1 - y))

    def solve(self, time_limit: float) -> MipResult:
        h = self.highs
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-6)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        optimal = status == highspy.HighsModelStatus.kOptimal
        score = float(info.objective_function_value)
        bound = score if self.relax or optimal else float(info.mip_dual_bound)
        routes = () if self.relax else self._routes()
        return MipResult(routes, score, optimal, bound)

    def _routes(self) -> tuple[tuple[int, ...], ...]:
        h = self.highs
        used = {key for key, var in self.arc.items() if h.val(var) > 0.5}
        successor = dict(used)
        routes = []
        for first in (j for j, var in self.leave.items() if h.val(var) > 0.5):
            route = [first]
            while route[-1] in successor:
                route.append(successor[route[-1]])
            routes.append(tuple(route))
        return tuple(routes)
