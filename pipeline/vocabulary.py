"""The controlled vocabularies of a practice record (codes only; labels live in the
interface strings of each language)."""

from __future__ import annotations

COUNTRIES = ("CZ", "PL", "SK", "HU")

CIVIL_SOCIETY = ("ngo", "refugee_led_org", "diaspora_org", "faith_based_org",
                 "informal_group", "social_enterprise")
LOCAL_AUTHORITY = ("municipality", "city_district", "regional_self_government",
                   "regional_state_administration", "public_institution")
OTHER_ACTORS = ("national_authority", "international_org", "donor", "business",
                "academia", "media")

INSIDE_TRACK = ("policy_dialogue", "consultation_input", "advisory_body_seat",
                "joint_needs_assessment", "policy_drafting", "budget_advocacy",
                "pilot_to_policy")
OUTSIDE_TRACK = ("public_campaign", "media_work", "coalition_building", "petition",
                 "litigation", "monitoring_reports", "community_mobilisation")

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "country": COUNTRIES,
    "scale": ("neighbourhood", "municipal", "metropolitan", "regional", "national",
              "cross_border"),
    "status": ("ongoing", "completed", "mainstreamed"),
    "method": ("workshop", "interview", "desk_research", "submission"),
    "actor_type": CIVIL_SOCIETY + LOCAL_AUTHORITY + OTHER_ACTORS,
    "actor_role": ("lead", "partner", "funder", "advocacy_target", "ally"),
    "partnership_form": ("joint_project", "commissioned_service", "coordination_platform",
                         "advisory_body", "co_location", "data_sharing", "joint_advocacy",
                         "volunteer_network"),
    "instrument": ("memorandum_of_understanding", "cooperation_agreement", "grant_agreement",
                   "service_contract", "council_resolution"),
    "initiated_by": ("ngo", "authority", "joint", "refugee_community", "funder"),
    "advocacy_activity": INSIDE_TRACK + OUTSIDE_TRACK,
    "outcome_level": ("none", "on_agenda", "decision_adopted", "implemented", "sustained"),
    "theme": ("reception_and_accommodation", "housing", "education", "language_learning",
              "employment", "health", "mental_health", "social_assistance", "legal_aid",
              "children_and_youth", "information_and_orientation", "culture_and_community",
              "civic_participation", "anti_discrimination"),
    "target_group": ("refugees_general", "women", "children", "adolescents", "older_people",
                     "people_with_disabilities", "roma_from_ukraine",
                     "third_country_nationals_from_ukraine", "unaccompanied_minors", "lgbtiq",
                     "survivors_of_violence", "job_seekers", "students", "host_community",
                     "service_providers"),
    "participation": ("none", "informed", "consulted", "co_designed", "refugee_led"),
    "editorial_status": ("draft", "under_review", "validated", "published", "rejected"),
}

# Prose fields a translator translates, as dotted paths into a record.
TRANSLATABLE = ("title", "summary", "context", "objectives", "activities", "results",
                "lessons", "transferability", "advocacy.ask", "advocacy.outcome", "reach.note")
BLOCK_MARKDOWN = ("context", "objectives", "activities", "results", "lessons",
                  "transferability")
INLINE_MARKDOWN = ("summary", "advocacy.ask", "advocacy.outcome", "reach.note")
PLAIN_TEXT = ("title",)
