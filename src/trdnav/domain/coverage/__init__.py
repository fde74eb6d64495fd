"""Coverage: payer policies as data (data/policies/*.toml) and the criteria check.

`loader.default_coverage()` is the policy registry with drug classes and billing codes;
`check.check(policy, option, record, today)` checks one policy against one record;
`tracking.track` follows an authorization against a course's sessions;
`authorization` holds the prior-authorization statuses and transitions.
"""
