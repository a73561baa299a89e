"""The browser sandbox: nudgebot's third adapter, rendering the neutral messages and forms as plain HTML."""
