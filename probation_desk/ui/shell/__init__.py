"""The main window's parts: start-up, the open database, sections and room, menus."""
