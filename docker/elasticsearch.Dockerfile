# Elasticsearch with the Korean (nori) analyzer, for the search service in cluster mode.
# 9.x: the @elastic/elasticsearch 9 client asks for compatible-with=9, which 8.x servers refuse.
FROM docker.elastic.co/elasticsearch/elasticsearch:9.1.0
RUN bin/elasticsearch-plugin install --batch analysis-nori
