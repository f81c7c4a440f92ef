"""Prices page: placeholder replaced below."""
import streamlit as st
st.title("Prices")
