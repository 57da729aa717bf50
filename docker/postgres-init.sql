-- A second database on the same server for the Prefect server's own state.
CREATE DATABASE prefect;
