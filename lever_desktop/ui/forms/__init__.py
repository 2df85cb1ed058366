"""Qt widgets for Lever feedback forms, a thin layer over ``lever_desktop.forms``."""

from .form_widget import FeedbackFormWidget

__all__ = ["FeedbackFormWidget"]
