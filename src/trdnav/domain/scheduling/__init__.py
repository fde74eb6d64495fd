"""Scheduling: clinic time, the rules of a course, laying a course out, and the waitlist planner."""
