//! Reports and the group's own screens: the funnel chart, a city's ranking, the CSV export, the group's members and invitations, and one's account settings.
