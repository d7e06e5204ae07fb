"""What describes and ships a build: metadata, provenance, the card, Croissant, publishing."""
