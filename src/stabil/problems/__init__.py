"""Problems: the root cause behind incidents, and the known error with its work-around."""
