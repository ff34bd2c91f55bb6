"""What tests measure beyond query counts (imported by test modules and conftest only)."""
