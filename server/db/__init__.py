"""Database: typed models, engine factory, migrations."""
