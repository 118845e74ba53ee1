"""eventmap's Qt desktop: app start-up, main window, widgets, the map view and its bridge, CLI."""
