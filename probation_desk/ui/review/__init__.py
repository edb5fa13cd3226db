"""The Review section, split the way the rest of ``ui/`` is: the page (the controller,
``page.py``), the list model (``model.py``), the filters (``filters.py``) and the
dialogs (``dialogs.py``).
"""

from probation_desk.ui.review.page import ReviewPage

__all__ = ["ReviewPage"]
