"""wildpress: species data + print layouts -> print-ready PDFs."""
__version__ = "0.1.0"
