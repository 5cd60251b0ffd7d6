"""Small reusable UI pieces."""
