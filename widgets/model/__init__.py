"""The quiz model: question types, grading and bank loading, with no widget code.

Everything here is plain Python so unit tests can reach all of it.  Each
question type has one home in :mod:`widgets.model.qtypes`; :mod:`.bank`
reads banks, :mod:`.grading` answers the page and :mod:`.messages` holds the
shape of what they say to each other.
"""

from .bank import REFERENCES_FILE, Bank, BankError, Problem, load_bank, load_reference_keys, validate_bank
from .questions import (
    QUESTION_TYPES,
    AnswerError,
    Feedback,
    ItemFeedback,
    MultiSelect,
    Option,
    Order,
    OrderItem,
    Question,
    SingleChoice,
    Status,
    TeachBack,
    TrueFalse,
    display_order,
    grade,
    show_answer,
)

__all__ = [
    "AnswerError", "Bank", "BankError", "Feedback", "ItemFeedback", "MultiSelect", "Option", "Order",
    "OrderItem", "Problem", "Question", "QUESTION_TYPES", "REFERENCES_FILE", "SingleChoice", "Status",
    "TeachBack", "TrueFalse", "display_order", "grade", "load_bank", "load_reference_keys", "show_answer",
    "validate_bank",
]
