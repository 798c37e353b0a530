"""Action plans (handlingsplaner): measures, their KPIs and follow-ups."""
