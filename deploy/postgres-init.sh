#!/bin/sh
# Run once by the postgres image on an empty data volume: the README's recipe (the role the app acts as,
# the tables' owner, the app's login, the database). The app migrates as the owner at every start.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE cppcc_app NOLOGIN;
CREATE ROLE cppcc_owner LOGIN PASSWORD '$OWNER_PASSWORD';
CREATE ROLE cppcc_web LOGIN PASSWORD '$APP_PASSWORD' IN ROLE cppcc_app;
CREATE DATABASE cppcc OWNER cppcc_owner;
SQL
