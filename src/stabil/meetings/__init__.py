"""The declaration's meetings as running things: the authorities' operations meeting (R17) and
the review meeting after major incidents (R9.8), with their packs, minutes and actions."""
