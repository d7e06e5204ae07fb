"""The checks of a document and of the corpus, in levels as UD's validate.py has them."""
