"""Photos: what an upload must be (images) and the renditions made from it (renditions)."""
