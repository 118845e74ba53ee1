"""The window's widgets. Each is a view of :class:`desktop.view_state.ViewState`: it reads
the model, writes the model, and never talks to another widget."""
