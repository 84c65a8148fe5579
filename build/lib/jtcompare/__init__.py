"""jtcompare's engine: parse policy plans and align them measure by measure."""

__version__ = "0.1.0"
