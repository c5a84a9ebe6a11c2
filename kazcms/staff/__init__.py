"""Staff security: second factor, lockout, the sign-in audit trail and the content policy."""
