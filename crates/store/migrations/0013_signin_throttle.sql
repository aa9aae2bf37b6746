-- Sign-in throttling (docs/decisions/0006-signin-throttling.md) replaces the lock per login:
-- failed sign-ins are counted per login and client address, and per client address across
-- logins. Only an index is new: `login_failures` already keeps the login, the time and the
-- address of each failure.
CREATE INDEX login_failures_ip_ix ON login_failures (ip, at);
