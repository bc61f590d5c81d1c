DROP TABLE mail_outbox;
DROP TABLE api_clients;
DROP TABLE one_time_tokens;
DROP TABLE refresh_tokens;
DROP TABLE user_cities;
DROP TABLE users;
DROP TABLE cities;
