"""Evaluation campaigns: a questionnaire per action, answered by its leads, reviewed, fed into the plan."""
