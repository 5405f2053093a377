"""The newsroom's rules, callable from the admin, a command or a test: roles and
permissions (roles), the workflow and pre-publish checks (publishing), versions
(revisions), and the admin's forms (forms)."""
