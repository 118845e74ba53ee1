"""Events from a news article: its dates resolved against its publication date, its places, the candidates."""
