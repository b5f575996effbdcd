"""Publishing toolchain for a multilingual policy paper built from practice records."""
