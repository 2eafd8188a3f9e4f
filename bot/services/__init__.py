"""Use cases, one method each. Services take repositories and a clock; they never import discord."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cities import default_gazetteer
from bot.domain.clock import Clock
from bot.services.customer_files import CustomerFileService
from bot.services.customers import CustomerService
from bot.services.guild_setup import GuildSetupService
from bot.services.meals import MealService
from bot.services.notes import NoteService
from bot.services.privacy import PrivacyService
from bot.services.reminders import ReminderService
from bot.services.tours import TourService
from storage.customers import CustomerImportRepository, CustomerRepository, StopRequestRepository
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.meals import MealPersonalData
from storage.notes import FallbackNoteRepository


@dataclass(frozen=True)
class Services:
    guild_setup: GuildSetupService
    customers: CustomerService
    customer_files: CustomerFileService
    privacy: PrivacyService  # every repository holding personal data is registered here
    meals: MealService
    reminders: ReminderService
    notes: NoteService
    tours: TourService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        gazetteer = default_gazetteer()  # loaded once per process (~0.7 s), shared by every bot and service
        customers, stop_requests = CustomerRepository(db), StopRequestRepository(db)
        imports = CustomerImportRepository(db)
        notes = FallbackNoteRepository(db)
        customer_service = CustomerService(customers, stop_requests, gazetteer, clock)
        return cls(
            guild_setup=GuildSetupService(GuildSettingsRepository(db), clock),
            customers=customer_service,
            customer_files=CustomerFileService(customers, imports, gazetteer, clock),
            privacy=PrivacyService([customers, stop_requests, imports, MealPersonalData(db), notes], clock),
            meals=MealService(db, GuildSettingsRepository(db), clock),
            reminders=ReminderService(db, clock),
            notes=NoteService(notes, clock),
            tours=TourService(db, customer_service, clock),
        )
