"""The version of jtcompare, apart from the package root (which offers the API): every stage may read it."""

__version__ = "0.1.0"
