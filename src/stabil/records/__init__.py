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

A new kind of record, say a service window, is declared like this:

    class Window(Recorded, Base):
        __tablename__ = "windows"
        ...  # its own fields, its `state`
        events: Mapped[list[WindowEvent]] = relationship(
            back_populates="window", order_by="WindowEvent.seq", viewonly=True
        )

    class WindowEvent(HasNote, Event, Base):
        __tablename__ = "window_events"
        __table_args__ = (UniqueConstraint("window_id", "seq"),)
        window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), index=True)
        window: Mapped[Window] = relationship(back_populates="events")

    MACHINE = Machine[WindowState, WindowAction]([Step(planned, start, running, WORK), ...])

and its service changes it with `MACHINE.step(...)` and `append_event(...)`.
"""
