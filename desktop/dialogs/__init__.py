"""The window's dialogs: event form, import warnings, export, about."""
