"""Use cases, one method each. Services take repositories and a clock; they never import discord."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cities import default_gazetteer
from bot.domain.clock import Clock
from bot.domain.shards import ONE_PROCESS, Shards
from bot.domain.tour_planning.towns import default_towns
from bot.services.checkins import CheckinService
from bot.services.customer_files import CustomerFileService
from bot.services.customers import CustomerService
from bot.services.delivery import DeliveryService, Doorbell
from bot.services.feedback import FeedbackService
from bot.services.guild_setup import GuildSetupService
from bot.services.insights import InsightService
from bot.services.meals import MealService
from bot.services.networking import NetworkingService
from bot.services.notes import NoteService
from bot.services.privacy import PersonalData, PrivacyService
from bot.services.tours import TourService
from storage.checkins import CheckinRepository
from storage.customers import CustomerImportRepository, CustomerRepository, StopRequestRepository
from storage.database import Store
from storage.feedback import FeedbackRepository
from storage.guild_settings import GuildSettingsRepository
from storage.insights import InsightRepository
from storage.meals import MealPersonalData
from storage.networking import NetworkingRepository
from storage.notes import FallbackNoteRepository
from storage.outbox import DmFailureRepository, OutboxRepository
from storage.postgres.insights import PostgresInsightRepository

OUTBOX_CHANNEL = "lt_outbox"  # NOTIFY channel: "something was added to the outbox"


@dataclass(frozen=True)
class Services:
    guild_setup: GuildSetupService
    customers: CustomerService
    customer_files: CustomerFileService
    privacy: PrivacyService  # every repository holding personal data is registered here
    meals: MealService
    delivery: DeliveryService
    notes: NoteService
    tours: TourService
    networking: NetworkingService
    feedback: FeedbackService
    insights: InsightService
    checkins: CheckinService
    doorbell: Doorbell  # rung when a committed transaction added something to send
    store: Store  # for the other processes' doorbells (several shards over one PostgreSQL database)
    shards: Shards

    @classmethod
    def build(cls, db: Store, clock: Clock, shards: Shards = ONE_PROCESS) -> Services:
        gazetteer = default_gazetteer()  # loaded once per process (~0.7 s), shared by every bot and service
        default_towns()  # where tour teams sleep (~1 s, once per process): not in the first /tour plan's seconds
        doorbell = Doorbell()
        if not shards.everything:  # other processes serve other servers: tell them something is due
            doorbell.subscribe(lambda: db.notify_soon(OUTBOX_CHANNEL))
        outbox = OutboxRepository(on_added=doorbell.ring)
        customers, stop_requests = CustomerRepository(), StopRequestRepository()
        imports = CustomerImportRepository()
        notes, failures = FallbackNoteRepository(), DmFailureRepository()
        settings = GuildSettingsRepository()
        networking = NetworkingRepository()
        feedback = FeedbackRepository()
        insights = PostgresInsightRepository() if db.dialect.name == "postgresql" else InsightRepository()
        checkins = CheckinRepository()
        customer_service = CustomerService(db, customers, stop_requests, gazetteer, clock)
        meals = MealService(db, settings, outbox, clock)
        personal_data: list[PersonalData] = [
            insights,  # first: it reads the person's names from their customer row to find them in texts
            customers,
            stop_requests,
            imports,
            MealPersonalData(),
            outbox,
            failures,
            notes,
            networking,
            feedback,
            checkins,
        ]
        return cls(
            guild_setup=GuildSetupService(db, settings, clock),
            customers=customer_service,
            customer_files=CustomerFileService(db, customers, imports, gazetteer, clock),
            privacy=PrivacyService(db, personal_data, clock, customers, settle_seats=meals.settle_waitlists),
            meals=meals,
            delivery=DeliveryService(db, outbox, notes, failures, clock, shards=shards),
            notes=NoteService(db, notes, clock),
            tours=TourService(db, customer_service, meals, settings, outbox, clock),
            networking=NetworkingService(db, networking, customers, settings, outbox, clock),
            feedback=FeedbackService(db, feedback, insights, clock),
            insights=InsightService(db, insights, customers, outbox, clock),
            checkins=CheckinService(db, checkins, settings, insights, outbox, clock),
            doorbell=doorbell,
            store=db,
            shards=shards,
        )
