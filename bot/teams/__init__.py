"""The Microsoft Teams adapter: Adaptive Cards over the neutral router, on the Microsoft 365 Agents SDK."""
