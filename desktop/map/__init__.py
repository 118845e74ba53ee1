"""The map: the web view that shows the page, its one bridge to the page
script, the app URL scheme that serves it, and the sync between the page and
the view state."""
