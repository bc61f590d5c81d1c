//! The applicant's screens: the group's profile, the application form saved as one types with the eligibility preview, documents, submitting, answering a request for information, messages.
