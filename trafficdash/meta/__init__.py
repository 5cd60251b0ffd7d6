"""The Meta Marketing API, through the official facebook-business SDK."""
