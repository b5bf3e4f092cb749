# Elasticsearch with the Korean (nori) analyzer, for the search service in cluster mode.
FROM docker.elastic.co/elasticsearch/elasticsearch:8.15.0
RUN bin/elasticsearch-plugin install --batch analysis-nori
