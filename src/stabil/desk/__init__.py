"""The incident desk: incidents, their priorities, states, timers and immutable history."""
