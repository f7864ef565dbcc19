"""Whereabouts (去向): each receipt's event trail and each issuer's counts by state."""
