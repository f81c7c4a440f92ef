"""The Streamlit face: entrypoint, pages (views/) and their building blocks (components/)."""
