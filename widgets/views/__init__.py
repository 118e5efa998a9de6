"""The course's anywidgets: a thin Python class and a JavaScript file for each (quiz, chart, stepper, care-team builder)."""
