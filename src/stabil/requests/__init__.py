"""Service requests: information, advice or access, kept apart from incidents and their KPIs."""
