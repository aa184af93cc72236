using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ObservationsInCustomerRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Observations",
                table: "customers",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            // Each customer's observation rows become one JSON array in its own row (see StoredObservations).
            migrationBuilder.Sql("""
                UPDATE customers AS c SET "Observations" = o.document
                FROM (
                    SELECT "CustomerId", json_agg(json_build_object(
                        'field', "Field", 'source', "Source", 'value', "Value", 'count', "Count",
                        'lastObservedAt', to_char("LastObservedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')))::text AS document
                    FROM field_observations GROUP BY "CustomerId") AS o
                WHERE c."Id" = o."CustomerId";
                """);

            migrationBuilder.DropTable(
                name: "field_observations");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "field_observations",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    LastObservedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_field_observations", x => new { x.CustomerId, x.Field, x.Source, x.Value });
                    table.ForeignKey(
                        name: "FK_field_observations_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
                INSERT INTO field_observations ("CustomerId", "Field", "Source", "Value", "Count", "LastObservedAt")
                SELECT c."Id", e->>'field', e->>'source', e->>'value', (e->>'count')::integer, (e->>'lastObservedAt')::timestamptz
                FROM customers AS c, json_array_elements(c."Observations"::json) AS e;
                """);

            migrationBuilder.DropColumn(
                name: "Observations",
                table: "customers");
        }
    }
}
