"""Compare page: placeholder replaced below."""
import streamlit as st
st.title("Compare")
