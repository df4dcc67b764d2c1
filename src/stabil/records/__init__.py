"""What every recorded entity shares: its immutable history, its revision, its yearly numbers,
and the state machine that moves it.

A domain declares what is its own (its states and who may take each step, its fields, its
event kinds, the column that names it in its event table) and takes the rest from here:

- `models`: the columns of an entity (`Recorded`), of its event table (`Event`, with `HasNote`,
  `HasNoteVisibility`, `HasEffectiveTime` where the domain keeps them) and of its yearly
  numbering (`YearSequence`), and the one guard that keeps history rows unchanged;
- `history`: appending an event (one, or many at once) and reading the history back;
- `numbering`: the next human key of a service and year, e.g. PRB-BDK-2026-0001;
- `machine`: states and steps as data, the one guard, and what a caller may do now;
- `present` and `schemas`: an event as the API shows it to one reader.

A new kind of record (a service window, say) derives its table from `Recorded` and gives it
an `events` relationship; its event table derives from `Event` (with `HasNote` and the like
where it keeps them) and adds the column naming the window, that column's unique key with
`seq`, and the relationship back. Its states and steps are a `Machine`. Its service changes
it with `MACHINE.step(...)` and `append_event(...)`, and its routes answer `event_out` for
each of `events_of(...)`.
"""
