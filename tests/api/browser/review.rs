//! Staff's screens on an application: the eligibility report, scorecards, moves with reasons, notes, the letter of intent (offered, read, signed, printed) and onboarding.
