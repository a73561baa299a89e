"""All of nudgebot's tables. Importing this package registers every model on ``Base.metadata``."""

from storage.models.base import Base, UTCDateTime
from storage.models.enums import Cadence, MeasureKind, ObjectiveOutcome, Platform, Status
from storage.models.people import Person, PersonRole, PlatformIdentity, Role, SmartObjective
from storage.models.plan import Action, ActionOwner, ActionStep, Measure, Objective, Outcome, Plan
from storage.models.review import Challenge, Review, ReviewEntry, TriangulationResult
from storage.models.surveys import Survey, SurveyKey, SurveyParticipation, SurveyQuestion, SurveyResponse
from storage.models.tracking import AuditEntry, Evidence, ProcessedDelivery, Snooze, UpdateRequest

__all__ = [
    "Action",
    "ActionOwner",
    "ActionStep",
    "AuditEntry",
    "Base",
    "Cadence",
    "Challenge",
    "Evidence",
    "Measure",
    "MeasureKind",
    "Objective",
    "ObjectiveOutcome",
    "Outcome",
    "Person",
    "PersonRole",
    "Plan",
    "Platform",
    "PlatformIdentity",
    "ProcessedDelivery",
    "Review",
    "ReviewEntry",
    "Role",
    "SmartObjective",
    "Snooze",
    "Status",
    "Survey",
    "SurveyKey",
    "SurveyParticipation",
    "SurveyQuestion",
    "SurveyResponse",
    "TriangulationResult",
    "UTCDateTime",
    "UpdateRequest",
]
