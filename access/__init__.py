"""Who may do what: tokens (who the caller is) and policy (the pure rules, tabulated in
docs/ACCESS.md)."""
