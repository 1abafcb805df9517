"""Cases: the desk that opens and updates cases, the lifecycle, staff mail, timers, the dossier and the archive."""
